NAME = "freeswitch"
DESCRIPTION = "todo"


def detect(head):
    return 0
