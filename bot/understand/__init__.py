"""From a user's text to what it means: normalise (and mask keys), check product keys, match
phrases, recognise the intent.
"""
