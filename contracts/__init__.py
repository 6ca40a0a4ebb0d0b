"""What the services share about each other: events, internal API models, workflow inputs."""
