"""The inbound side: every way a message enters the gateway goes through one pipeline.

- `pipeline`: parse -> ownership check -> idempotent inbox -> apply in its own transaction -> on failure
  a located rejection, and the next message goes on. Used by the API (POST /berichten), the vendor
  webhook (POST /webhooks/{corporatie}), the intake poll and `woonbrug import`.
- `ownership`: the one check that a channel speaks only for its own corporation, about its own units,
  listings and allocations.
- `rejections`: refusals kept with their reason, remembered by content so a repeat is counted, not re-reported.
- `intake`: the poll of every corporation's system; `health`: whether each corporation's poll works.
- `records`: the tables of the above.
"""
