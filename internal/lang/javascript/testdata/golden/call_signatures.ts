// mobx's IActionFactory: generic call signatures that follow one another
// without a separator, which tree-sitter reads only once separated. Find
// reads the file that way, so Strip must too, or its pieces are lost.
const boundAnnotation = createAnnotation("action.bound", {
})

export interface Factory<in out K>
    extends Annotation,
        Decorator {
    <T extends Function | undefined | null>(fn: T): T
    <T extends Function | undefined | null>(name: string, fn: T): T
    bound: Annotation & Decorator
}

function createFactory(auto: boolean): Factory<string> {
    const res: Factory<string> = function action(arg1, arg2?): any {
        if (isFunction(arg1)) {
            return arg1
        }
        if (isDecorator(arg2)) {
            return (auto ? boundAnnotation : plainAnnotation).decorate(
                arg1
            )
        }
        if (isStringish(arg2)) {
            return createDecorator(
                createAnnotation(auto ? "auto" : "action", {
                })
            )
        }
    } as Factory<string>
    return res
}
