"""The feedback loop: the collector that receives "Was this helpful?" votes, follow-ups and
searches that found nothing, its storage, and the report for the support team.

Nothing here knows about MkDocs: the site is seen only through its article manifest.
"""
