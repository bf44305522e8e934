"""Reading units and directives from files: validated whole, refused whole."""
