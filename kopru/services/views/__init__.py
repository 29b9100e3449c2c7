"""The services pages, one module per part: ledger (recording and timelines), referrals and the
directory, appointments, and the catalogue's administration."""
