"""One module per stage. Each public function is one transaction: (session, ..., *, actor, now).

Services never import flask: the web layer hands them the session, the actor and the time.
"""
