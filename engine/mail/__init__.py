"""Mail: rendering (Jinja2), building (email.message), sending (aiosmtplib)."""
