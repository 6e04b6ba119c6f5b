"""Where people meet keyhelp: the terminal (cli), Slack and the web page (web); each adapter
carries replies, it holds no knowledge or wording.
"""
