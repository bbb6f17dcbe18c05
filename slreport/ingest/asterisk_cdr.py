NAME = "asterisk_cdr"
DESCRIPTION = "todo"


def detect(head):
    return 0
