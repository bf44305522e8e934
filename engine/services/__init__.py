"""Services: each sequences one piece of work over the domain and the store."""
