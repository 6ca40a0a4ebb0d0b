"""The web portal (门户): server-rendered pages in Chinese for every user, calling the services over HTTP."""
SERVICE = "portal"
