"""WeCom (企业微信): the AI bot (long connection or HTTP callback), the group robot webhook and the self-built app."""
