"""Drafting a directive from the meeting's conclusions text: the document read as text
(.docx, PDF with a text layer, a saved web page, UTF-8/UTF-16 text: `documents`),
sentences and clauses, the leader's instructions, the units they are addressed to and
their deadlines.

Pure but for `documents`, which reads the file: the text, the units directory and the
working calendar come in as arguments.
The result is a proposal for the coordinator to correct; nothing here assigns a task.
"""
