from slreport.cli import main

main()
