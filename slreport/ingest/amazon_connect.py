NAME = "amazon_connect"
DESCRIPTION = "todo"


def detect(head):
    return 0
