"""``agentrt chat --stream`` written with xai-sdk: the black-box benchmark's other side.

``python -m benchmarks.xai_sdk_chat HOST:PORT PROMPT`` streams the answer to stdout
the way a streaming chat script does with xai-sdk's synchronous client (each piece
printed and flushed as it arrives, so a reader sees it at once), then a newline.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main(argv: list[str]) -> int:
    """Stream one answer from ``argv[0]`` for prompt ``argv[1]``."""
    from xai_sdk import Client
    from xai_sdk.chat import user

    endpoint, prompt = argv
    client = Client(api_key="bench", api_host=endpoint, use_insecure_channel=True)
    chat = client.chat.create(model="grok-4-1-fast-reasoning", messages=[user(prompt)])
    for _, chunk in chat.stream():
        print(chunk.content, end="", flush=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
