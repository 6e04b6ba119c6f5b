"""Analytics: what keyhelp did, as counts (cases, outcomes, misses) for the helpdesk lead; the
report and the export that feed misses back into the rules.
"""
