"""Files the product stores: the lowest layer (nothing here imports the rest of the product)."""
