import sys

if len(sys.argv) > 1 and sys.argv[1] == "system":
    from benchmarks.system.main import main as system_main

    system_main(sys.argv[2:])
else:
    from benchmarks.micro import main

    main()
