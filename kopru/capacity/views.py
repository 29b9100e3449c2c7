"""Pages of capacity: thin, every write through the app's services."""
