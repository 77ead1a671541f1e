"""The staff desk: a web page for the 人社局 (`labor-bot web`), and the `labor-bot staff` commands.

access.py   staff, one-time sign-in links, sessions, CSRF tokens (only hashes of secrets are stored)
stats.py    the overview: questions per day (rolled up incrementally), top measures, checks, subscribers, SVG charts
inbox.py    questions the bot could not answer, grouped; link to a measure, out of scope, dismiss
web.py      the aiohttp application (server-rendered Jinja2 pages, own static files)
messages.py the keys of templates/messages.yaml and their placeholders, checked when the desk is built
shell.py    `labor-bot web`, `labor-bot staff add|list|remove`, `labor-bot kb export-phrasings`
templates/  the pages and messages.yaml: every Chinese text of the desk is here (data, not code)
static/     desk.css, desk.js (no script or style from another host)
"""
