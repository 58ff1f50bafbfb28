"""The template of a scaffolded adapter's field mapping, shared by the csv, rest and soap skeletons."""
