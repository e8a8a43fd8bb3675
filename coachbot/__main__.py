from coachbot.cli.main import main

main()
