"""The transport layer: the WeChat webhook and protocol, the embedded sandbox, the CLI."""
