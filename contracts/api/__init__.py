"""Internal API request/response models: what workflow activities send to the services."""
