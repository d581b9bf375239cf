"""Every platform limit the chat renderers obey, in one place.

Numbers are the platforms' documented maxima unless a comment says otherwise; where the field
has shown failures below the documented number, a *budget* sits under it and says why.
Lengths are counted in Unicode code points (Python ``len``), as Slack, Mattermost (runes) and
Discord count them; the Teams limit is on the UTF-8 size of the whole request body.
"""

from __future__ import annotations

from typing import Final

# --- Slack ---------------------------------------------------------------------------------
# https://api.slack.com/reference/block-kit/blocks (header, section, context) and
# https://api.slack.com/reference/block-kit/composition-objects#text
SLACK_MAX_BLOCKS: Final = 50  # "up to 50 blocks in each message"
SLACK_HEADER_TEXT: Final = 150  # header block: plain_text, max 150 characters
SLACK_SECTION_TEXT: Final = 3_000  # section block: text max 3,000 (over it is HTTP 400 invalid_blocks)
SLACK_SECTION_FIELDS: Final = 10  # section block: at most 10 fields...
SLACK_FIELD_TEXT: Final = 2_000  # ...of at most 2,000 characters each
SLACK_CONTEXT_ELEMENTS: Final = 10  # context block: at most 10 elements
# Not documented: `msg_blocks_too_long` has been returned near 13.2k characters of block text,
# below what the per-block limits allow, so the renderer keeps the whole message under this.
SLACK_TOTAL_TEXT_BUDGET: Final = 12_000
# The top-level `text` is only the notification/fallback line; Slack truncates very long
# ones (https://api.slack.com/methods/chat.postMessage#truncating), so keep it short.
SLACK_FALLBACK_TEXT: Final = 300

# --- Mattermost ----------------------------------------------------------------------------
# https://developers.mattermost.com/integrate/webhooks/incoming/ : posts are capped at
# 16,383 characters (runes); longer webhook text is split into several posts by the server,
# which would break "one brief, one post", so the renderer stays under it.
MATTERMOST_POST_TEXT: Final = 16_383

# --- Microsoft Teams (Workflows webhook + Adaptive Card) -----------------------------------
# https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
# and https://learn.microsoft.com/connectors/teams/#known-issues-and-limitations : "about 28 KB"
# per message, HTTP 413 above it. Users report failures from ~21 KB (the overhead Teams adds is
# not documented), so the renderer keeps the JSON body under 20,000 bytes.
TEAMS_DOCUMENTED_BYTES: Final = 28 * 1024
TEAMS_BODY_BYTES_BUDGET: Final = 20_000
# Adaptive Card schema version that Teams renders for webhook posts
# (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-reference).
TEAMS_CARD_VERSION: Final = "1.4"

# --- Discord -------------------------------------------------------------------------------
# https://discord.com/developers/docs/resources/message#embed-object-embed-limits and
# https://discord.com/developers/docs/resources/webhook#execute-webhook
DISCORD_CONTENT: Final = 2_000  # message `content`
DISCORD_MAX_EMBEDS: Final = 10
DISCORD_TITLE: Final = 256
DISCORD_DESCRIPTION: Final = 4_096
DISCORD_MAX_FIELDS: Final = 25
DISCORD_FIELD_NAME: Final = 256
DISCORD_FIELD_VALUE: Final = 1_024
DISCORD_FOOTER: Final = 2_048
# Sum of title, description, field names and values, footer text and author name across all
# embeds of one message; over any limit the API answers 400 with code 50035.
DISCORD_TOTAL: Final = 6_000

# --- Our own caps, for a brief readable at a glance ----------------------------------------
# Not platform limits: they keep one oversized field (a 5,000-character summary, a 2,000-
# character quote) from crowding out the rest, and keep the fixed parts of every layout well
# inside the smallest platform budget (Discord's 6,000) so positions always get room.
SUMMARY_CAP: Final = 1_500
ITEM_CAP: Final = 300  # one actor, place, date or open question
FACT_CAP: Final = 600  # one joined who / where / when line
SPEAKER_CAP: Final = 100
STANCE_CAP: Final = 300
QUOTE_CAP: Final = 400
# The footer keeps every part: a 500-character source URL is cut to its cap rather than
# pushing the model and faithfulness out. 150 + 3 x 60 + separators stays under FOOTER_CAP.
FOOTER_SOURCE_CAP: Final = 150
FOOTER_PART_CAP: Final = 60
FOOTER_CAP: Final = 350
# Warnings are what a reader must see before trusting the brief, so they sit in the fixed part of
# every layout (never cut to make room for positions); these caps keep that part inside Discord's
# 6,000 with room left for positions.
WARNING_CAP: Final = 160  # one warning
WARNINGS_CAP: Final = 600  # the joined list, with "…and N more warnings"
