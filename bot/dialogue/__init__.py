"""One conversation turn: the durable-rules engine decides the next step; conversations and
their stores; the reply objects; hot reload.
"""
