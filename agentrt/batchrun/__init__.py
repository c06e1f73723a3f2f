"""Agent runs on xAI's Batch API: every turn of every open run goes out as one batch.

``store`` (the state a rerun resumes from: each run's conversation, which batch
carries which request, every tool call), ``rounds`` (the model seam that gathers
the turns of all runs into batches) and ``runner`` (the runs themselves, their
results appended as they finish). ``agentrt batch --xai-batch`` drives it.

Below it: ``durable`` (shared input and results files), ``agents``, ``xai``.
"""

__all__: list[str] = []
