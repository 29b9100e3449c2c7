def load_demo_mhpss():
    pass
