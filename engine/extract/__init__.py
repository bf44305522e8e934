"""Drafting a directive from the meeting's conclusions text: sentences and clauses, the
leader's instructions, the units they are addressed to and their deadlines.

Pure: the text, the units directory and the working calendar come in as arguments.
The result is a proposal for the coordinator to correct; nothing here assigns a task.
"""
