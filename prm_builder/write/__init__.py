"""Writing components: source format for review (force-app/) and an MDAPI package for deploy."""
