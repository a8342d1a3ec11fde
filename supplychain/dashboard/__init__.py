"""The home page: a welcome for visitors, an overview for signed-in members."""
