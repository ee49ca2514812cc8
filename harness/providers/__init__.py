"""Providers: one small async class per API, registered by name and imported only when used."""
