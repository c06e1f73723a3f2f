"""Small real MCP servers (the ``mcp`` package's own server API) the MCP tests start."""
