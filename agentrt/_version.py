"""The version of agentrt (read by the build from this file, too)."""

__all__ = ["__version__"]

__version__ = "0.1.0"
