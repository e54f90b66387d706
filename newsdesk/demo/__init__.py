"""The bundled demo: an outlet farm served on 127.0.0.1 (``farm.py``) and its corpus of our own
writing about invented events (``corpus/``), which ``newsdesk demo`` ingests."""
