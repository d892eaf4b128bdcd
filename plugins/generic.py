"""The generic extractor: takes any page no outlet plugin claims."""
