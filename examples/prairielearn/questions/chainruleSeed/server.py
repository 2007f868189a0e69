"""Each student gets their own a and b; the grader reads them from data.json's params."""

import random


def generate(data):
    # PrairieLearn seeds `random` per variant, so a student keeps their numbers.
    data["params"]["a"] = random.randint(2, 9)
    data["params"]["b"] = random.randint(1, 5)
