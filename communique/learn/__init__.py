"""The learned event detector: its training data, training and the spaCy component."""
