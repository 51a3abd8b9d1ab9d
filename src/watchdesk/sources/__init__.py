"""Where articles come from: ``fetch`` (every network request, bounded and guarded) and
``parse`` (feed bytes to entries, hostile XML refused)."""
