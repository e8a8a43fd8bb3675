"""Slack's limits the adapter renders within (Block Kit, modals, notifications)."""

from __future__ import annotations

SECTION_LIMIT = 3000        # section / context text
MESSAGE_BLOCKS = 50         # chat.postMessage, chat.postEphemeral, responses
SURFACE_BLOCKS = 100        # modals and the Home tab
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTIONS_PER_BLOCK = 25
CONTEXT_ELEMENTS = 10
FALLBACK_LIMIT = 3000       # the notification text; Slack truncates at 40,000
MODAL_TITLE_LIMIT = 24
ANSWER_LIMIT = 2000

AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired",
                         "account_inactive", "missing_scope", "no_permission"})
