from toolkit.cli.fastpath import main

main()
