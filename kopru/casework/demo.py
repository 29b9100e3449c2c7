def load_demo_casework():
    pass
