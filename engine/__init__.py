"""dondoc: turns a leader's directive into tracked, reminded and reported work."""
