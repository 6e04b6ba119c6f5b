"""Where people meet keyhelp: the terminal (cli) and Slack; each adapter carries replies, it
holds no knowledge or wording.
"""
