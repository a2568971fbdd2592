"""Authoring: the commands that write the manual (new, revise, approve, confirm, init, diff)."""
