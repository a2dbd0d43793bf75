"""Demo data for Linbang: `python -m demo.seed PATH` builds a believable community to click through.

community_data holds the community as data (people, places, job templates, what they write), seed is the
engine that builds it through the real services, and samples makes up pictures, ID numbers and identity
checks for the seed, the tests and the benchmarks.
"""
