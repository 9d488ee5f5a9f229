"""loopledger for analysts: `loopledger.client.Client` reads a running server into Polars frames."""
