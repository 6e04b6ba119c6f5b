"""What a helpdesk lead edits, read and checked: the rules file (YAML with positions), its
model, its checks and graph, and the wording catalogs.
"""
