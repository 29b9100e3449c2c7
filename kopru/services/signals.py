"""What the ledger tells the apps above it (reporting keeps its figures current with these).

Both are sent inside the write's transaction, so a receiver's work commits or rolls back
with the write itself."""

from django.dispatch import Signal

# Before an event, its participants, headcounts or projects change (update, void).
service_will_change = Signal()  # event=
# After any write: recorded, changed or voided.
service_changed = Signal()  # event=
