"""`nbrefactor verify`: run a notebook and its generated package, and compare what they computed.

`runner` runs both sides (a real kernel, and the package in a fresh interpreter); `compare` decides
whether two values are the same.
"""
