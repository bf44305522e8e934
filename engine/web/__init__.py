"""The web app of the mail's signed links: a front end over the services (`app.create_app`)."""
