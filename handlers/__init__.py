"""Channel adapters: transport in, Reply out. They translate; the engine decides."""
